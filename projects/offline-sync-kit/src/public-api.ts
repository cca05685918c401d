/*
 * Public API Surface of offline-sync-kit
 */

export * from './lib/offline-sync-kit';
