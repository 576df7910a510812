// One JSON object a line on stdout, with a timestamp: what the apps log (the sandbox and kubectl logs read it).
export function logJson(event) {
  console.log(JSON.stringify({ time: new Date().toISOString(), ...event }));
}
