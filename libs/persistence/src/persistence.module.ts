import {
  DynamicModule,
  FactoryProvider,
  Inject,
  Module,
  ModuleMetadata,
  OnApplicationShutdown,
  Provider,
} from '@nestjs/common';
import { Kysely } from 'kysely';
import { createDatabase, DatabaseOptions } from './database.factory';
import type { DB } from './generated/db.types';
import { DATABASE, PERSISTENCE_OPTIONS } from './persistence.constants';
import { ChangeEventRepository } from './repositories/change-event.repository';
import { TenantRepository } from './repositories/tenant.repository';

export interface PersistenceModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  readonly useFactory: (...args: never[]) => DatabaseOptions | Promise<DatabaseOptions>;
  readonly inject?: FactoryProvider['inject'];
}

const REPOSITORIES = [TenantRepository, ChangeEventRepository];

const databaseProvider: Provider = {
  provide: DATABASE,
  useFactory: (options: DatabaseOptions): Kysely<DB> => createDatabase(options),
  inject: [PERSISTENCE_OPTIONS],
};

/**
 * Provides the application's `Kysely<DB>` under `DATABASE` (global) and the repositories, and closes
 * the pool on shutdown (call `app.enableShutdownHooks()` or `app.close()`). It never migrates: that is
 * the `db:migrate` job's work.
 */
@Module({})
export class PersistenceModule implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly db: Kysely<DB>) {}

  static forRoot(options: DatabaseOptions): DynamicModule {
    return PersistenceModule.build([{ provide: PERSISTENCE_OPTIONS, useValue: options }], []);
  }

  static forRootAsync(options: PersistenceModuleAsyncOptions): DynamicModule {
    return PersistenceModule.build(
      [{ provide: PERSISTENCE_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] }],
      options.imports ?? [],
    );
  }

  private static build(
    optionsProviders: Provider[],
    imports: NonNullable<ModuleMetadata['imports']>,
  ): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      imports,
      providers: [...optionsProviders, databaseProvider, ...REPOSITORIES],
      exports: [DATABASE, ...REPOSITORIES],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db.destroy();
  }
}
