// How the panel writes a count with its noun, everywhere: "1 day", "7 days".
/** "1 day", "7 days" */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
