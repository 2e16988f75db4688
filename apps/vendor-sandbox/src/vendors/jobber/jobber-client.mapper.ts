import type { StoredRecord, WorldStore } from '@fieldsync/sandbox-world';
import { address } from './jobber-address.util';
import { cents } from './jobber-amount.util';
import { connectionOf, ID_ORDER, MAX_PAGE_SIZE, type Keyed, type Order } from './jobber-connection.util';
import { formatDateTime } from './jobber-datetime.util';
import { encodeId } from './jobber-encoded-id.util';
import { splitName } from './jobber-person-name.util';
import { ref } from './jobber-reference.util';
import { rendered } from './jobber-rendered.util';

/** A client's tag as a connection lists it: its place among the client's tags, and its label. */
export interface TagEntry extends Keyed {
  readonly label: string;
}

/** Jobber's tags are the account's labels: one Tag id per label, whichever client carries it. */
function tagId(label: string): number {
  let h = 2_166_136_261;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 16_777_619) >>> 0;
  return 1 + (h % 999_999);
}

/** Clients (with their contacts' emails and phones, and their tags) and their properties. */
export class JobberClientMapper {
  constructor(private readonly store: WorldStore) {}

  /** The latest modification of the client or any of its contacts (epoch ms). */
  clientUpdatedAt(c: StoredRecord<'customer'>): number {
    let u = c.modifiedOn;
    for (const contact of this.store.children('contact', 'customerId', c.id)) {
      if (contact.modifiedOn > u) u = contact.modifiedOn;
    }
    return u;
  }

  client(c: StoredRecord<'customer'>) {
    const contacts = this.store.children('contact', 'customerId', c.id).filter((x) => x.deletedOn === null);
    const emails = contacts.filter((x) => x.type === 'Email');
    const phones = contacts.filter((x) => x.type === 'Phone' || x.type === 'MobilePhone');
    const isCompany = c.type === 'Commercial';
    const person = isCompany ? { first: '', last: '' } : splitName(c.name);
    return rendered(c, {
      id: encodeId('Client', c.id),
      firstName: person.first,
      lastName: person.last,
      companyName: isCompany ? c.name : null,
      isCompany,
      name: c.name,
      emails: emails.map((e, i) => ({ address: e.value, primary: i === 0, description: e.memo })),
      phones: phones.map((p, i) => ({
        number: p.value,
        primary: i === 0,
        description: p.type === 'MobilePhone' ? 'Mobile' : 'Main',
        smsAllowed: p.type === 'MobilePhone' && !p.doNotText,
      })),
      billingAddress: address(c.address),
      balance: cents(c.balance),
      isLead: false,
      isArchived: !c.active,
      createdAt: formatDateTime(c.createdOn),
      updatedAt: formatDateTime(this.clientUpdatedAt(c)),
      tags: this.tagsPage(c),
    });
  }

  /** The client's tags in the order they were added (the `tags` connection's order). */
  clientTags(c: StoredRecord<'customer'>): TagEntry[] {
    return (c.tags ?? []).map((label, i) => ({ id: i + 1, label }));
  }

  tag(t: TagEntry) {
    return { id: encodeId('Tag', tagId(t.label)), label: t.label };
  }

  property(l: StoredRecord<'location'>) {
    const zone = this.store.get('taxZone', l.taxZoneId);
    return rendered(l, {
      id: encodeId('Property', l.id),
      name: l.name,
      address: {
        ...address(l.address),
        coordinates: { latitude: l.address.latitude, longitude: l.address.longitude },
      },
      client: ref('Client', l.customerId),
      taxRate: zone
        ? { id: encodeId('TaxRate', zone.id), name: zone.name, tax: zone.ratePpm / 10_000 }
        : null,
    });
  }

  /**
   * What `tags(first: 100) { nodes { label } pageInfo { hasNextPage endCursor } }` answers: the client's
   * tags as the export shows them (the GraphQL field itself is resolved with its own arguments).
   */
  private tagsPage(c: StoredRecord<'customer'>) {
    const page = connectionOf(
      this.clientTags(c),
      ID_ORDER as Order<TagEntry>,
      { first: MAX_PAGE_SIZE },
      () => true,
      (t) => ({ label: t.label }),
    );
    return {
      nodes: page.nodes,
      pageInfo: { hasNextPage: page.pageInfo.hasNextPage, endCursor: page.pageInfo.endCursor },
    };
  }
}
