import { available, defineArchSuite } from './arch-suite.js';
import { definePropertySuite } from './property-suite.js';

defineArchSuite('x86_64', 20, 1, true);
definePropertySuite(available);
