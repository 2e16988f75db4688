import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

// Boundaries that are real (CONVENTIONS.md): the model depends on nothing; connectors only on the
// model, connector-kit and utilities; production code never imports the testing library.
const depConstraints = [
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: ['type:model', 'type:data-access', 'type:util', 'type:connector'],
  },
  { sourceTag: 'type:model', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:model', 'type:util'] },
  {
    sourceTag: 'type:data-access',
    onlyDependOnLibsWithTags: ['type:model', 'type:util', 'type:data-access'],
  },
  { sourceTag: 'type:connector', onlyDependOnLibsWithTags: ['type:model', 'type:util'] },
  {
    sourceTag: 'type:testing',
    onlyDependOnLibsWithTags: [
      'type:model',
      'type:util',
      'type:data-access',
      'type:connector',
      'type:testing',
    ],
  },
  // Operator and developer commands (db:migrate, db:codegen, demo): may use any library, never an app.
  {
    sourceTag: 'type:tooling',
    onlyDependOnLibsWithTags: [
      'type:model',
      'type:util',
      'type:data-access',
      'type:connector',
      'type:testing',
    ],
  },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  ...['session-manager', 'extractor', 'writer', 'webhook-dispatcher', 'api', 'vendor-sandbox'].map((s) => ({
    sourceTag: `scope:${s}`,
    onlyDependOnLibsWithTags: ['scope:shared', `scope:${s}`],
  })),
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
    // Tests may use the harness; production code may not (the rule above).
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/e2e/**/*.ts', '**/__fixtures__/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(
        depConstraints.map((c) =>
          c.sourceTag.startsWith('type:') && c.sourceTag !== 'type:model'
            ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'] }
            : c,
        ),
      ),
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  prettier,
);
