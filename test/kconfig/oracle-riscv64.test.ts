import { defineArchSuite } from './arch-suite.js';

defineArchSuite('riscv64');
