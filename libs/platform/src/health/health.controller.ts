import { Controller, Get, HttpCode, Inject, ServiceUnavailableException } from '@nestjs/common';
import { READINESS_CHECKS } from './health.constants';
import type { ReadinessCheck, ReadinessReport } from './readiness.types';
import { runChecks } from './run-checks.util';

@Controller('health')
export class HealthController {
  constructor(@Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[]) {}

  /** 200 while the process runs and its event loop answers. */
  @Get('live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 200 with each check's status and latency when all pass; 503 naming the failing ones otherwise. */
  @Get('ready')
  @HttpCode(200)
  async ready(): Promise<ReadinessReport> {
    const report = await runChecks(this.checks);
    if (report.status !== 'ok') throw new ServiceUnavailableException(report);
    return report;
  }
}
