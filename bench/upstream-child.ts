/** The fake upstream as its own process (so its CPU is not the load generator's nor the gateway's). */
import { startFakeUpstream } from "./lib/fake-upstream.js";

const upstream = await startFakeUpstream();
process.send?.({ type: "ready", url: upstream.url, pid: process.pid });
process.on("message", (message: { type?: string }) => {
  if (message.type === "stop") void upstream.close().then(() => process.exit(0));
});
process.on("disconnect", () => process.exit(0));
