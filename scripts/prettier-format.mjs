// @ts-check
// Files the scripts write into the repository (benchmark results, BENCHMARKS.md, the reliability
// report) are formatted as the repository's Prettier config wants, so `npm run format:check`
// passes after a run.

/**
 * `text` formatted for `filepath` (its parser and config are Prettier's choice); unchanged when
 * Prettier is not installed.
 *
 * @param {string} text
 * @param {string} filepath
 * @example
 *   await writeFile(file, await prettierFormat(JSON.stringify(report), file));
 */
export async function prettierFormat(text, filepath) {
  try {
    const prettier = await import('prettier');
    const config = (await prettier.resolveConfig(filepath)) ?? {};
    return await prettier.format(text, { ...config, filepath });
  } catch {
    return text.endsWith('\n') ? text : `${text}\n`;
  }
}
