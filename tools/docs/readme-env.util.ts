import { renderEnvDocsMarkdown } from '@fieldsync/platform';

export const ENV_BEGIN = /<!-- env:begin[^>]*-->\n/;
export const ENV_END = '<!-- env:end -->';

/** The README with its configuration table replaced by the one rendered from the code. */
export function withEnvTable(readme: string): string {
  const begin = ENV_BEGIN.exec(readme);
  const end = readme.indexOf(ENV_END);
  if (!begin || end < begin.index)
    throw new Error('README.md has no <!-- env:begin --> … <!-- env:end --> section');
  const from = begin.index + begin[0].length;
  return `${readme.slice(0, from)}\n${renderEnvDocsMarkdown().trim()}\n\n${readme.slice(end)}`;
}
