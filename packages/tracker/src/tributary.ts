// The entry of the drop-in script (dist/tributary.js): it starts itself.
import { startScript } from './script';

startScript(window);
