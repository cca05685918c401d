import { Component } from '@angular/core';

@Component({
  selector: 'lib-offline-sync-kit',
  imports: [],
  template: `
    <p>
      offline-sync-kit works!
    </p>
  `,
  styles: ``,
})
export class OfflineSyncKit {

}
