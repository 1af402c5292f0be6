import { randomUUID } from 'node:crypto';

/** What one execute_request printed and returned, or the error it raised. */
export interface Execution {
  stdout: string;
  result?: string;
  error?: { ename: string; evalue: string };
}

/**
 * A kernel of a user's Jupyter server, reached through the hub's proxy with a token: started
 * over the REST API, driven over the kernel websocket protocol (the channels socket).
 */
export async function startKernel(options: {
  hubUrl: string;
  user: string;
  token: string;
}) {
  const base = `${options.hubUrl}/user/${encodeURIComponent(options.user)}/api`;
  const headers = {
    Authorization: `token ${options.token}`,
    'Content-Type': 'application/json',
  };
  const started = await fetch(`${base}/kernels`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: 'python3' }),
  });
  if (!started.ok) {
    throw new Error(
      `starting a kernel: HTTP ${started.status} ${await started.text()}`,
    );
  }
  const { id } = (await started.json()) as { id: string };
  const socketUrl = `${base.replace(
    /^http/,
    'ws',
  )}/kernels/${id}/channels?token=${encodeURIComponent(options.token)}`;
  const socket = new WebSocket(socketUrl);
  await new Promise<void>((resolve, reject) => {
    socket.onopen = () => resolve();
    socket.onerror = () => reject(new Error(`cannot open ${socketUrl}`));
  });
  const session = randomUUID();

  return {
    /** Runs code; resolves when the kernel is idle again after it. */
    execute(code: string): Promise<Execution> {
      const msgId = randomUUID();
      const execution: Execution = { stdout: '' };
      return new Promise((resolve, reject) => {
        socket.onerror = () => reject(new Error('kernel socket failed'));
        socket.onmessage = event => {
          const message = JSON.parse(String(event.data));
          if (message.parent_header?.msg_id !== msgId) return;
          const content = message.content ?? {};
          switch (message.msg_type) {
            case 'stream':
              if (content.name === 'stdout') execution.stdout += content.text;
              break;
            case 'execute_result':
              execution.result = content.data?.['text/plain'];
              break;
            case 'error':
              execution.error = {
                ename: content.ename,
                evalue: content.evalue,
              };
              break;
            case 'status':
              if (
                message.channel === 'iopub' &&
                content.execution_state === 'idle'
              ) {
                resolve(execution);
              }
              break;
            default:
          }
        };
        socket.send(
          JSON.stringify({
            header: {
              msg_id: msgId,
              username: 'kaml-d-rig-test',
              session,
              msg_type: 'execute_request',
              version: '5.3',
              date: new Date().toISOString(),
            },
            parent_header: {},
            metadata: {},
            content: {
              code,
              silent: false,
              store_history: true,
              user_expressions: {},
              allow_stdin: false,
            },
            channel: 'shell',
          }),
        );
      });
    },
    async shutdown() {
      socket.close();
      await fetch(`${base}/kernels/${id}`, { method: 'DELETE', headers });
    },
  };
}
