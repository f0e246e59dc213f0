// Preloaded with `node --import` into a benchmarked process: writes its peak RSS at exit to
// ./rss.json in the working directory.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  writeFileSync('rss.json', JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024 }));
});
