import { lineItemFrom, type NewLineInput } from './world-line-item.util';
import { sumLines } from './world-money.util';
import { WorldRuleCode, WorldRuleError } from './world-rule.error';
import { assertRequired, assertTransition, type WorldRules } from './world.rules';
import type { EstimateStatus } from './world.schema';
import type { StoredRecord } from './world-store.types';
import type { WorldStore } from './world.store';

export interface NewEstimateInput {
  readonly jobId: number;
  readonly name: string;
  readonly options: readonly { name: string; items: readonly NewLineInput[] }[];
}

/** Estimates: options of lines for a job, sold (one option) or dismissed. */
export class WorldEstimateWriter {
  constructor(
    private readonly store: WorldStore,
    private readonly rules: WorldRules,
  ) {}

  createEstimate(input: NewEstimateInput): StoredRecord<'estimate'> {
    assertRequired('estimate', input, ['jobId', 'name', 'options']);
    const job = this.rules.assertUsable('job', input.jobId, { allowInactive: true });
    const options = input.options.map((o) => {
      assertRequired('estimate', o, ['name', 'items']);
      const items = o.items.map((line) => lineItemFrom(this.store, this.rules, line, false));
      return { id: this.store.newEstimateOptionId(), name: o.name, items, subTotal: sumLines(items) };
    });
    return this.store.create('estimate', {
      jobId: job.id,
      customerId: job.customerId,
      locationId: job.locationId,
      name: input.name,
      status: 'Open',
      options,
      soldOptionId: null,
      soldOn: null,
      soldById: null,
    });
  }

  sellEstimate(id: number, optionId: number, soldById: number): StoredRecord<'estimate'> {
    const estimate = this.rules.assertUsable('estimate', id);
    assertTransition('estimate', estimate.status, 'Sold' satisfies EstimateStatus);
    if (!estimate.options.some((o) => o.id === optionId)) {
      throw new WorldRuleError(WorldRuleCode.NotFound, `estimate ${id} has no option ${optionId}`, {
        id,
        optionId,
      });
    }
    this.rules.assertUsable('employee', soldById);
    return this.store.update('estimate', id, {
      status: 'Sold',
      soldOptionId: optionId,
      soldOn: this.store.clock.now(),
      soldById,
    });
  }

  dismissEstimate(id: number): StoredRecord<'estimate'> {
    const estimate = this.rules.assertUsable('estimate', id);
    assertTransition('estimate', estimate.status, 'Dismissed');
    return this.store.update('estimate', id, { status: 'Dismissed' });
  }
}
