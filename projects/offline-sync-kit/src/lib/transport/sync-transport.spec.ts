import { Injectable } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { PullPage } from '../model/server-change';
import { RestSyncTransport } from './rest-sync-transport';
import { SyncTransport } from './sync-transport';
import { setUpTransport } from './testing/transport-fixtures';

@Injectable()
class NoServerTransport extends SyncTransport {
  push = async () => [];
  pull = async (): Promise<PullPage> => ({ items: [], cursor: null, hasMore: false });
  fetchItems = async () => [];
  fetchOne = async () => null;
}

describe('SyncTransport', () => {
  it('is the REST transport unless the app provides another', () => {
    const { transport } = setUpTransport();
    expect(TestBed.inject(SyncTransport)).toBe(transport as unknown as SyncTransport);
    expect(TestBed.inject(SyncTransport)).toBeInstanceOf(RestSyncTransport);
  });

  it('can be replaced with a class of the app', () => {
    TestBed.configureTestingModule({
      providers: [{ provide: SyncTransport, useClass: NoServerTransport }],
    });
    expect(TestBed.inject(SyncTransport)).toBeInstanceOf(NoServerTransport);
  });
});
