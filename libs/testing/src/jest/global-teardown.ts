export default function globalTeardown(): void {
  return;
}
