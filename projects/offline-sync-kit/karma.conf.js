// Karma configuration of the offline-sync-kit project; the shared part is in scripts/karma-shared.cjs.
const path = require('node:path');
const applySharedKarmaConfig = require('../../scripts/karma-shared.cjs');

module.exports = function (config) {
  applySharedKarmaConfig(config, {
    name: 'offline-sync-kit',
    coverageDir: path.join(__dirname, '../../coverage/offline-sync-kit'),
  });
};
