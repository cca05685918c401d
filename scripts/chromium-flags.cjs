// The flags every headless Chromium of the test and benchmark scripts runs with: Debian's
// Chromium as root in a container, no GPU, small /dev/shm, and no network of its own.
module.exports = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
