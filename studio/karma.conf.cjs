// Karma for the studio's unit specs: headless Chromium (CHROME_BIN, /usr/bin/chromium on Debian),
// without the sandbox, which needs privileges CI containers do not grant.
process.env.CHROME_BIN ||= '/usr/bin/chromium';

/** One line CI can read: `studio specs: N passed, M failed` (plus skipped when any). */
function SummaryReporter(baseReporterDecorator) {
  baseReporterDecorator(this);
  this.onRunComplete = (_browsers, results) => {
    this.write(`studio specs: ${results.success} passed, ${results.failed + (results.error ? 1 : 0)} failed\n`);
  };
}
SummaryReporter.$inject = ['baseReporterDecorator'];

module.exports = function (config) {
  config.set({
    basePath: '',
    frameworks: ['jasmine'],
    plugins: [require('karma-jasmine'), require('karma-chrome-launcher'), { 'reporter:summary': ['type', SummaryReporter] }],
    client: { jasmine: { random: true }, clearContext: false },
    reporters: ['dots', 'summary'],
    browsers: ['ChromeHeadlessNoSandbox'],
    customLaunchers: {
      ChromeHeadlessNoSandbox: { base: 'ChromeHeadless', flags: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] },
    },
    singleRun: true,
    restartOnFileChange: false,
    browserNoActivityTimeout: 60000,
  });
};
