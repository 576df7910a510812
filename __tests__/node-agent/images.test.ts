import {
  execArgv,
  imagePrograms,
  imageRepository,
  imageTag,
  programFor,
  type EntryPoints
} from '../../sandbox/node-agent/images.js';

const entryPoints: EntryPoints = {
  storefrontServer: '/repo/app/storefront/src/server.js',
  catalogueServer: '/repo/app/catalogue/src/server.js',
  podinfo: '/tools/podinfo',
  podcli: '/tools/podcli',
  standIn: ['/usr/bin/node', '--import', '/tsx', '/repo/sandbox/node-agent/stand-in-server.ts'],
  nodeBinary: '/usr/bin/node'
};

describe('imageRepository', () => {
  it.each([
    ['upcommerce/storefront:1.2.3', 'upcommerce/storefront'],
    ['docker.io/upcommerce/storefront', 'upcommerce/storefront'],
    ['ghcr.io/stefanprodan/podinfo:6.9.0', 'stefanprodan/podinfo'],
    ['localhost:5000/upcommerce/storefront:2@sha256:abc', 'upcommerce/storefront'],
    ['library/redis:7', 'redis'],
    ['redis', 'redis']
  ])('%s -> %s', (image, repository) => {
    expect(imageRepository(image)).toBe(repository);
  });

  it('reads the tag, latest when none', () => {
    expect(imageTag('localhost:5000/a/b:1.4')).toBe('1.4');
    expect(imageTag('localhost:5000/a/b')).toBe('latest');
  });
});

describe('programFor', () => {
  it('runs the storefront server with node, args appended', () => {
    const program = programFor(
      { name: 'web', image: 'upcommerce/storefront:1.0.0', args: ['--x'] },
      entryPoints
    );
    expect(program).toEqual({
      kind: 'storefront',
      argv: ['/usr/bin/node', '/repo/app/storefront/src/server.js', '--x'],
      cwd: '/repo/app/storefront'
    });
  });

  it('runs the catalogue API server with node for the upcommerce/catalogue image', () => {
    const program = programFor(
      { name: 'catalogue', image: 'registry.local:5000/upcommerce/catalogue:2.0.0' },
      entryPoints
    );
    expect(program).toEqual({
      kind: 'catalogue',
      argv: ['/usr/bin/node', '/repo/app/catalogue/src/server.js'],
      cwd: '/repo/app/catalogue'
    });
    expect(() =>
      programFor({ name: 'api', image: 'upcommerce/catalogue:2', command: ['node', 'x.js'] }, entryPoints)
    ).toThrow('container "api": image upcommerce/catalogue:2 runs the catalogue server here');
  });

  it("takes podinfo's flags from a command that names ./podinfo, then args", () => {
    const program = programFor(
      {
        name: 'podinfo',
        image: 'ghcr.io/stefanprodan/podinfo:6.9.0',
        command: ['./podinfo', '--port=9898', '--level=info'],
        args: ['--random-delay=false']
      },
      entryPoints
    );
    expect(program.argv).toEqual(['/tools/podinfo', '--port=9898', '--level=info', '--random-delay=false']);
    expect(program.kind).toBe('podinfo');
  });

  it('refuses a command the image has no program for, naming container, image and command', () => {
    expect(() =>
      programFor({ name: 'web', image: 'upcommerce/storefront:1', command: ['sh', '-c', 'x'] }, entryPoints)
    ).toThrow(
      'container "web": image upcommerce/storefront:1 runs the storefront server here; its command ["sh","-c","x"] cannot be run'
    );
    expect(() =>
      programFor({ name: 'p', image: 'stefanprodan/podinfo', command: ['/bin/sh'] }, entryPoints)
    ).toThrow('has only the podinfo program here');
  });

  it('names the manifest key when podinfo was not built', () => {
    expect(() =>
      programFor({ name: 'p', image: 'stefanprodan/podinfo:6' }, { ...entryPoints, podinfo: undefined })
    ).toThrow('binaries.podinfo');
  });

  it('gives any other image the stand-in server and ignores its command', () => {
    const program = programFor(
      { name: 'redis', image: 'bitnami/redis:7', command: ['redis-server'] },
      entryPoints
    );
    expect(program).toEqual({ kind: 'stand-in', argv: entryPoints.standIn });
  });

  it('makes the stand-in exit at once in a pod that runs to completion (a Job, a Helm test)', () => {
    const program = programFor({ name: 'test', image: 'curlimages/curl:8' }, entryPoints, {
      runToCompletion: true
    });
    expect(program.argv).toEqual([...entryPoints.standIn, '--complete']);
  });
});

describe('exec actions in a mapped image', () => {
  it("run the image's own program when the command names it, by any path", () => {
    const programs = imagePrograms('ghcr.io/stefanprodan/podinfo:6.9.0', entryPoints);
    expect(execArgv(['podcli', 'check', 'http', 'localhost:9898/healthz'], programs)).toEqual([
      '/tools/podcli',
      'check',
      'http',
      'localhost:9898/healthz'
    ]);
    expect(execArgv(['/usr/local/bin/podcli', 'x'], programs)).toEqual(['/tools/podcli', 'x']);
  });

  it("run any other command from the host's PATH", () => {
    expect(
      execArgv(['sleep', '5'], imagePrograms('ghcr.io/stefanprodan/podinfo:6.9.0', entryPoints))
    ).toEqual(['sleep', '5']);
    expect(execArgv(['podcli', 'x'], imagePrograms('bitnami/redis:7', entryPoints))).toEqual(['podcli', 'x']);
  });
});
