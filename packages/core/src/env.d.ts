// Core is runtime-neutral: it compiles against the Web platform's types (lib "DOM": streams,
// TextEncoder, performance, crypto, console), which Node, Deno, Bun, browsers and workers all
// implement, and never against Node's. A test (test/neutral.test.ts) keeps Node's and Deno's
// globals out of core's sources, and the bundle check keeps `node:` imports out.
export {};
