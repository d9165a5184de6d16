// BUILD changes with the code; the walkthrough edits it to show promotion and rollback.
export const BUILD = "v1";

export function render(greeting: string, path: string): string {
  return `${greeting} (build ${BUILD}) at ${path}\n`;
}
