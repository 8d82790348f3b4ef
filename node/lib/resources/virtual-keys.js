'use strict';
// portkey.virtualKeys: provider credentials stored by Portkey (`/virtual-keys`).
// Method docs live in types/portkey.d.ts, checked against the core's summaries.
const { APIResource } = require('../resource');

class VirtualKeys extends APIResource {
  create(params, options) {
    return this._client._call('virtual_keys.create', params, options);
  }

  list(params, options) {
    return this._client._call('virtual_keys.list', params, options);
  }

  retrieve(params, options) {
    return this._client._call('virtual_keys.retrieve', params, options);
  }

  update(params, options) {
    return this._client._call('virtual_keys.update', params, options);
  }

  delete(params, options) {
    return this._client._call('virtual_keys.delete', params, options);
  }
}

module.exports = { VirtualKeys };
