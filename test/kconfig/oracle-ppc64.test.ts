import { defineArchSuite } from './arch-suite.js';

defineArchSuite('ppc64');
