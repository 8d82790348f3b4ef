'use strict';
// portkey.virtualKeys: provider credentials stored by Portkey (`/virtual-keys`).
const { APIResource } = require('../resource');

class VirtualKeys extends APIResource {
  /** Create a virtual key; the answer holds its slug. */
  create(params, options) {
    return this._client._call('virtual_keys.create', params, options);
  }

  /** List virtual keys with the total count. */
  list(params, options) {
    return this._client._call('virtual_keys.list', params, options);
  }

  /** Retrieve a virtual key (`{ slug }`). */
  retrieve(params, options) {
    return this._client._call('virtual_keys.retrieve', params, options);
  }

  /** Update a virtual key. */
  update(params, options) {
    return this._client._call('virtual_keys.update', params, options);
  }

  /** Delete a virtual key (`{ slug }`). */
  delete(params, options) {
    return this._client._call('virtual_keys.delete', params, options);
  }
}

module.exports = { VirtualKeys };
