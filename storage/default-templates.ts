/**
 * The templates every installation starts with: the original system's services (n8n,
 * PostgreSQL, WAHA, ActivePieces) with their images, ports, volume paths and environment, plus
 * Redis and nginx. No default passwords: every secret is generated at deploy time and shown once.
 * `{{hostPort}}` in a value becomes the host port the service is given.
 */
export interface DefaultTemplate {
  /** Stable key: the seeded template's id is `default-<key>`; records which defaults were seeded. */
  key: string
  template: Record<string, unknown>
}

export const DEFAULT_TEMPLATES: DefaultTemplate[] = [
  {
    key: 'n8n',
    template: {
      name: 'n8n',
      description: 'Workflow automation platform: connect apps and APIs with a visual editor',
      category: 'automation',
      image: 'n8nio/n8n:latest',
      logo: 'https://n8n.io/favicon.ico',
      tags: ['automation', 'workflow', 'no-code'],
      ports: [{ container: 5678, host: 5678, description: 'Web editor and webhooks' }],
      env: [
        { name: 'N8N_HOST', default: '0.0.0.0' },
        { name: 'N8N_PORT', default: '5678' },
        { name: 'N8N_PROTOCOL', default: 'http' },
        {
          name: 'WEBHOOK_URL',
          label: 'Webhook URL',
          default: 'http://localhost:{{hostPort}}/',
          description: 'The address webhooks are reached at',
        },
        { name: 'GENERIC_TIMEZONE', label: 'Time zone', default: 'Asia/Jakarta' },
        { name: 'N8N_SECURE_COOKIE', default: 'false' },
        {
          name: 'N8N_ENCRYPTION_KEY',
          label: 'Encryption key',
          secret: true,
          generate: 'password',
          description: 'Encrypts stored credentials; keep it to restore a backup',
        },
        { name: 'N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS', default: 'false' },
        { name: 'DB_TYPE', default: 'sqlite' },
        { name: 'DB_SQLITE_DATABASE', default: '/home/node/.n8n/database.sqlite' },
      ],
      volumes: [{ container: '/home/node/.n8n', description: 'Workflows, credentials and the SQLite database' }],
      requirements: { minMemory: 512, minCpu: 0.5, minDisk: 1 },
    },
  },
  {
    key: 'postgresql',
    template: {
      name: 'PostgreSQL',
      description: 'Open source relational database',
      category: 'database',
      image: 'postgres:16',
      logo: 'https://www.postgresql.org/media/img/about/press/elephant.png',
      tags: ['database', 'sql', 'postgres'],
      ports: [{ container: 5432, host: 5432, description: 'PostgreSQL protocol' }],
      env: [
        { name: 'POSTGRES_USER', label: 'Username', default: 'postgres' },
        { name: 'POSTGRES_PASSWORD', label: 'Password', secret: true, required: true, generate: 'password' },
        { name: 'POSTGRES_DB', label: 'Database', default: 'postgres' },
      ],
      volumes: [{ container: '/var/lib/postgresql/data', description: 'Database files' }],
      healthcheck: {
        test: ['CMD-SHELL', 'pg_isready -U "$POSTGRES_USER" -d "$POSTGRES_DB"'],
        interval: '10s',
        timeout: '5s',
        retries: 5,
        startPeriod: '30s',
      },
      requirements: { minMemory: 256, minCpu: 0.5, minDisk: 2 },
    },
  },
  {
    key: 'waha',
    template: {
      name: 'WAHA',
      description: 'WhatsApp HTTP API: connect WhatsApp to your applications',
      category: 'messaging',
      image: 'devlikeapro/waha:latest',
      logo: 'https://waha.devlike.pro/favicon.ico',
      tags: ['whatsapp', 'api', 'messaging'],
      ports: [{ container: 3000, host: 3030, description: 'HTTP API and dashboard' }],
      env: [
        {
          name: 'WHATSAPP_API_KEY',
          label: 'API key',
          secret: true,
          generate: 'password',
          description: 'Send it as the X-Api-Key header',
        },
        { name: 'WAHA_PRINT_QR', default: 'true' },
        { name: 'WAHA_LOG_LEVEL', default: 'info', options: ['error', 'warn', 'info', 'debug'] },
      ],
      volumes: [{ container: '/app/.sessions', description: 'WhatsApp sessions' }],
      note: 'Open the dashboard, start a session and scan the QR code with WhatsApp.',
      requirements: { minMemory: 512, minCpu: 0.5, minDisk: 1 },
    },
  },
  {
    key: 'activepieces',
    template: {
      name: 'ActivePieces',
      description: 'Open source business automation: build workflows and automate repetitive tasks',
      category: 'automation',
      image: 'activepieces/activepieces:latest',
      logo: 'https://www.activepieces.com/favicon.ico',
      tags: ['automation', 'workflow', 'no-code'],
      ports: [{ container: 80, host: 8080, description: 'Web interface' }],
      env: [
        { name: 'AP_ENCRYPTION_KEY', label: 'Encryption key', secret: true, generate: 'hex32' },
        { name: 'AP_JWT_SECRET', label: 'JWT secret', secret: true, generate: 'password' },
        { name: 'AP_QUEUE_MODE', default: 'MEMORY' },
        { name: 'AP_DB_TYPE', default: 'SQLITE3' },
        { name: 'AP_FRONTEND_URL', label: 'Public URL', default: 'http://localhost:{{hostPort}}' },
        { name: 'AP_EXECUTION_MODE', default: 'UNSANDBOXED' },
        { name: 'AP_SIGN_UP_ENABLED', default: 'true' },
        { name: 'AP_TELEMETRY_ENABLED', default: 'false' },
      ],
      volumes: [{ container: '/root/.activepieces', description: 'Flows, connections and the SQLite database' }],
      note: 'Create your admin account on first visit.',
      requirements: { minMemory: 1024, minCpu: 1, minDisk: 2 },
    },
  },
  {
    key: 'redis',
    template: {
      name: 'Redis',
      description: 'In-memory data store, cache and message broker, with a password',
      category: 'database',
      image: 'redis:7-alpine',
      tags: ['cache', 'database', 'key-value'],
      ports: [{ container: 6379, host: 6379, description: 'Redis protocol' }],
      env: [{ name: 'REDIS_PASSWORD', label: 'Password', secret: true, required: true, generate: 'password' }],
      // Through the shell so the password stays in the environment, not in the container's command.
      command: ['sh', '-c', 'exec redis-server --appendonly yes --requirepass "$REDIS_PASSWORD"'],
      volumes: [{ container: '/data', description: 'Append-only file and snapshots' }],
      healthcheck: {
        test: ['CMD-SHELL', 'redis-cli -a "$REDIS_PASSWORD" --no-auth-warning ping | grep -q PONG'],
        interval: '10s',
        timeout: '5s',
        retries: 5,
      },
      requirements: { minMemory: 128, minCpu: 0.1, minDisk: 1 },
    },
  },
  {
    key: 'nginx',
    template: {
      name: 'nginx',
      description: 'Web server for static sites',
      category: 'web',
      image: 'nginx:alpine',
      tags: ['web', 'static', 'http'],
      ports: [{ container: 80, host: 8080, description: 'HTTP' }],
      volumes: [{ container: '/usr/share/nginx/html', description: 'The site: put your files here' }],
      requirements: { minMemory: 128, minCpu: 0.1, minDisk: 1 },
    },
  },
]
