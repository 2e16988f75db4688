/**
 * A sleep that a wake-up cuts short: `sleep(ms)` waits up to `ms`, and a `wake()` — while it sleeps or
 * before it starts — ends it at once.
 */
export class WakeSignal {
  private wakeUp: (() => void) | undefined;
  private woken = false;

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  async sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeUp = undefined;
    this.woken = false;
  }
}
