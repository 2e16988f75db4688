// `testTimeout` is a global-only jest option, so the int project sets its longer timeout here.
jest.setTimeout(60_000);
