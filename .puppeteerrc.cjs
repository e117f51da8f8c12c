// Hatline drives the system Chromium (Debian package `chromium`, or CHROMIUM_PATH);
// puppeteer must never download a browser of its own (no internet on most servers we run on).
module.exports = { skipDownload: true };
