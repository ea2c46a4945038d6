import { defineArchSuite } from './arch-suite.js';

defineArchSuite('loongarch');
