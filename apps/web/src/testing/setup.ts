import { afterAll } from 'vitest';

// Some PrimeVue components finish their layout on a timer after mount (TabList measures its ink
// bar 150 ms later). Let such timers fire while the test DOM still exists: after teardown they
// throw "HTMLElement is not defined" and fail the whole run.
afterAll(() => new Promise<void>((resolve) => setTimeout(resolve, 200)));
