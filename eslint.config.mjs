import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

// Boundaries that are real (CONVENTIONS.md): the model depends on nothing; connectors only on the
// model, connector-kit and utilities; apps reach the vendors only through the connector registry (one
// list of connectors); the sandbox's world is the sandbox's alone (and tests' and tools'); production
// code never imports the testing library.
const depConstraints = [
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: [
      'type:model',
      'type:data-access',
      'type:util',
      'type:connector-kit',
      'type:registry',
      'type:sandbox',
    ],
  },
  { sourceTag: 'type:model', onlyDependOnLibsWithTags: [] },
  // The integrators' SDK (libs/sdk): usable outside the monorepo, so it may use only the model (zod schemas
  // an outside user gets with it); no app may depend on it (type:app does not list type:sdk).
  { sourceTag: 'type:sdk', onlyDependOnLibsWithTags: ['type:model'] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:model', 'type:util'] },
  {
    // libs/session-client hands sessions out in the plug-in contract's shape (CapturedSession).
    sourceTag: 'type:data-access',
    onlyDependOnLibsWithTags: ['type:model', 'type:util', 'type:data-access', 'type:connector-kit'],
  },
  // The plug-in contract: what every connector implements and every app drives.
  { sourceTag: 'type:connector-kit', onlyDependOnLibsWithTags: ['type:model', 'type:util'] },
  {
    sourceTag: 'type:connector',
    onlyDependOnLibsWithTags: ['type:model', 'type:util', 'type:connector-kit'],
  },
  // The one list of connectors (libs/connector-registry).
  {
    sourceTag: 'type:registry',
    onlyDependOnLibsWithTags: ['type:model', 'type:util', 'type:connector-kit', 'type:connector'],
  },
  // The sandbox's deterministic world: a library of the sandbox only.
  { sourceTag: 'type:sandbox', onlyDependOnLibsWithTags: ['type:model', 'type:util'] },
  {
    sourceTag: 'type:testing',
    onlyDependOnLibsWithTags: [
      'type:model',
      'type:util',
      'type:data-access',
      'type:connector-kit',
      'type:connector',
      'type:registry',
      'type:sandbox',
      'type:testing',
    ],
  },
  // Operator and developer commands (db:migrate, db:codegen, demo, bench, the vendor generator): may
  // use any library, never an app.
  {
    sourceTag: 'type:tooling',
    onlyDependOnLibsWithTags: [
      'type:model',
      'type:util',
      'type:data-access',
      'type:connector-kit',
      'type:connector',
      'type:registry',
      'type:sandbox',
      'type:testing',
    ],
  },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:sandbox', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:tooling', onlyDependOnLibsWithTags: ['scope:shared', 'scope:sandbox'] },
  ...['session-manager', 'extractor', 'writer', 'webhook-dispatcher', 'api'].map((s) => ({
    sourceTag: `scope:${s}`,
    onlyDependOnLibsWithTags: ['scope:shared', `scope:${s}`],
  })),
  {
    sourceTag: 'scope:vendor-sandbox',
    onlyDependOnLibsWithTags: ['scope:shared', 'scope:vendor-sandbox', 'scope:sandbox'],
  },
];
const boundaries = (constraints) => [
  'error',
  { enforceBuildableLibDependency: false, allowCircularSelfDependency: false, depConstraints: constraints },
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '.nx/**', 'bench/results/**'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@nx/enforce-module-boundaries': boundaries(depConstraints),
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests may use the harness and read the sandbox's world (ground truth); production code may not.
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/e2e/**/*.ts', '**/__fixtures__/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(
        depConstraints.map((c) =>
          c.sourceTag.startsWith('type:') && c.sourceTag !== 'type:model'
            ? {
                ...c,
                onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing', 'type:sandbox'],
              }
            : c.sourceTag.startsWith('scope:') && c.sourceTag !== 'scope:sandbox'
              ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'scope:sandbox'] }
              : c,
        ),
      ),
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  prettier,
);
