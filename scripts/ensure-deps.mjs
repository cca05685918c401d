// Installs npm dependencies when they are missing (used before builds).
import { ensureDependencies } from './setup.mjs';

ensureDependencies();
