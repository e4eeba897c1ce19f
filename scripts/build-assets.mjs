// Builds Linkwork's front-end assets into Django's static tree from the pinned npm packages:
// our Sass (which pulls in the NHS.UK frontend) compiled to one stylesheet, plus the NHS.UK
// frontend script, its images and htmx copied as published.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(root, "node_modules");
const out = join(root, "linkwork", "core", "static", "vendor");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const css = sass.compile(join(root, "linkwork", "core", "assets", "linkwork.scss"), {
  loadPaths: [modules],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
mkdirSync(join(out, "linkwork"), { recursive: true });
writeFileSync(join(out, "linkwork", "linkwork.css"), css.css);

const copies = [
  ["nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.js", "nhsuk/nhsuk-frontend.min.js"],
  ["nhsuk-frontend/dist/nhsuk/assets", "nhsuk/assets"],
  ["htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"],
];
for (const [from, to] of copies) {
  const target = join(out, to);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(join(modules, from), target, { recursive: true });
}
console.log(`front-end assets built in ${out}`);
