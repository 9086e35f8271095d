'use strict';
module.exports = require('./build/Release/fastpath.node');
