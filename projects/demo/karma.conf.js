// Karma configuration of the demo project; the shared part is in scripts/karma-shared.cjs.
const path = require('node:path');
const applySharedKarmaConfig = require('../../scripts/karma-shared.cjs');

module.exports = function (config) {
  applySharedKarmaConfig(config, {
    name: 'demo',
    coverageDir: path.join(__dirname, '../../coverage/demo'),
  });
};
