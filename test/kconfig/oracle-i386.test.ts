import { defineArchSuite } from './arch-suite.js';

defineArchSuite('i386');
