import { ComponentFixture, TestBed } from '@angular/core/testing';

import { OfflineSyncKit } from './offline-sync-kit';

describe('OfflineSyncKit', () => {
  let component: OfflineSyncKit;
  let fixture: ComponentFixture<OfflineSyncKit>;

  beforeEach(async () => {
    await TestBed.configureTestingModule({
      imports: [OfflineSyncKit]
    })
    .compileComponents();

    fixture = TestBed.createComponent(OfflineSyncKit);
    component = fixture.componentInstance;
    await fixture.whenStable();
  });

  it('should create', () => {
    expect(component).toBeTruthy();
  });
});
