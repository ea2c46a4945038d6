import { defineArchSuite } from './arch-suite.js';

defineArchSuite('x86_64');
