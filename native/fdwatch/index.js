'use strict';
module.exports = require('./build/Release/fdwatch.node');
