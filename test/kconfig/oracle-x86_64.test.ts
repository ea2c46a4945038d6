import { available, defineArchSuite, definePropertySuite } from './arch-suite.js';

defineArchSuite('x86_64', 20, 1, true);
definePropertySuite(available);
