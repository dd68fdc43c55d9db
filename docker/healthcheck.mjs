// The image's HEALTHCHECK: exit 0 when the emulator answers on PORT, 1 otherwise. It asks the
// health endpoint; when control endpoints are turned off (404) an EC2 call answers instead.
const base = `http://127.0.0.1:${process.env.PORT || 4566}`;

async function healthy() {
  const health = await fetch(`${base}/_emulator/health`, { signal: AbortSignal.timeout(2500) });
  if (health.status === 200) return (await health.json()).status === 'ok';
  if (health.status !== 404) return false;
  const ec2 = await fetch(`${base}/?Action=DescribeVpcs&Version=2016-11-15`, { signal: AbortSignal.timeout(2500) });
  return ec2.status === 200;
}

healthy().then(
  (ok) => process.exit(ok ? 0 : 1),
  () => process.exit(1),
);
