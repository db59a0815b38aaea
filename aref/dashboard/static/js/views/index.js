// The views, in navigation order, by id.

import absorption from "./absorption.js";
import adaptation from "./adaptation.js";
import chaos from "./chaos.js";
import detection from "./detection.js";
import evolution from "./evolution.js";
import overview from "./overview.js";
import recovery from "./recovery.js";
import services from "./services.js";
import timeline from "./timeline.js";

export const VIEWS = new Map(
  [overview, detection, absorption, adaptation, recovery, evolution, services, chaos, timeline].map((v) => [v.id, v]),
);
