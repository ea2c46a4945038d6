import { defineArchSuite } from './arch-suite.js';

defineArchSuite('s390');
