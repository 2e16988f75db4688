// Placeholder replaced by the harness (libs/testing) in the foundation work.
export default function globalSetup(): void {
  return;
}
