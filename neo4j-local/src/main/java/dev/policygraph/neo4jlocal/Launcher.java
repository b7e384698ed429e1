package dev.policygraph.neo4jlocal;

import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * Runs Neo4j Community in-process with only a Bolt connector on 127.0.0.1, for development and
 * tests. It is started and supervised by the Go package {@code neo4jlocal}
 * ({@code policygraph neo4j start}).
 *
 * <p>Usage: {@code java [jvm flags] -cp ... dev.policygraph.neo4jlocal.Launcher --data-dir DIR
 * [--bolt-port N] [--pagecache SIZE] [--tx-memory SIZE]}. The password of the {@code neo4j} user
 * comes from the environment variable {@code NEO4J_PASSWORD} and is never printed.
 *
 * <p>Files under the data directory: {@code launcher.lock} (held while running, so one launcher
 * per directory), {@code launcher.pid} (the pid and the start token of
 * {@code -Dpolicygraph.token}, removed only by its writer), {@code ready} (holds the Bolt URI once queries succeed;
 * removed at startup and shutdown), {@code data/} (the store) and {@code logs/} (debug.log).
 *
 * <p>Exit codes: 0 clean shutdown, 2 bad usage, 3 Bolt port in use, 4 data directory or store
 * locked by another process, 1 any other startup failure. Failures print one line to stderr.
 */
public final class Launcher {
    static final String READY_PREFIX = "NEO4J-LOCAL READY ";
    static final String DEFAULT_PASSWORD = "policygraph-dev";
    static final int DEFAULT_BOLT_PORT = 7687;
    static final long DEFAULT_PAGECACHE = 512L << 20;

    static final int EXIT_USAGE = 2;
    static final int EXIT_PORT_IN_USE = 3;
    static final int EXIT_LOCKED = 4;
    static final int EXIT_FAILED = 1;

    private static final int MIN_PASSWORD_LENGTH = 8;

    private Launcher() {}

    /** A startup failure that is reported as a single line and a specific exit code. */
    static final class Failure extends Exception {
        final int exitCode;

        Failure(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    /** Parsed command line and environment. */
    record Config(Path dataDir, int boltPort, long pageCache, long txMemory, String password) {}

    public static void main(String[] args) {
        try {
            run(parse(args, System.getenv()));
        } catch (Failure f) {
            System.err.println("neo4j-local: error: " + f.getMessage());
            System.err.flush();
            System.exit(f.exitCode);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.exit(EXIT_FAILED);
        }
    }

    static Config parse(String[] args, Map<String, String> env) throws Failure {
        Path dataDir = null;
        String port = env.getOrDefault("NEO4J_BOLT_PORT", "");
        String pageCache = "";
        String txMemory = "";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = null;
            int eq = a.indexOf('=');
            String name = eq > 0 ? a.substring(0, eq) : a;
            if (eq > 0) {
                value = a.substring(eq + 1);
            } else if (!name.equals("--help") && !name.equals("-h")) {
                if (i + 1 >= args.length) {
                    throw new Failure(EXIT_USAGE, "flag " + name + " needs a value");
                }
                value = args[++i];
            }
            switch (name) {
                case "--data-dir" -> dataDir = Path.of(value).toAbsolutePath().normalize();
                case "--bolt-port" -> port = value;
                case "--pagecache" -> pageCache = value;
                case "--tx-memory" -> txMemory = value;
                case "--help", "-h" -> throw new Failure(EXIT_USAGE,
                        "usage: Launcher --data-dir DIR [--bolt-port N] [--pagecache 512m] [--tx-memory SIZE]");
                default -> throw new Failure(EXIT_USAGE, "unknown flag " + name);
            }
        }
        if (dataDir == null) {
            throw new Failure(EXIT_USAGE, "--data-dir is required");
        }
        int boltPort = DEFAULT_BOLT_PORT;
        if (!port.isBlank()) {
            try {
                boltPort = Integer.parseInt(port.trim());
            } catch (NumberFormatException e) {
                throw new Failure(EXIT_USAGE, "bolt port " + port + " is not a number");
            }
            if (boltPort < 1 || boltPort > 65535) {
                throw new Failure(EXIT_USAGE, "bolt port " + boltPort + " is out of range 1-65535");
            }
        }
        long pc = pageCache.isBlank() ? DEFAULT_PAGECACHE : parseBytes("--pagecache", pageCache);
        // Cap all transactions together at 60% of the heap (Neo4j's default is 70%), leaving room
        // for Bolt buffers and query caches in a small heap.
        long tx = txMemory.isBlank()
                ? Runtime.getRuntime().maxMemory() / 10 * 6
                : parseBytes("--tx-memory", txMemory);
        String password = env.getOrDefault("NEO4J_PASSWORD", "");
        if (password.isEmpty()) {
            password = DEFAULT_PASSWORD;
        }
        if (password.length() < MIN_PASSWORD_LENGTH) {
            throw new Failure(EXIT_USAGE,
                    "NEO4J_PASSWORD must be at least " + MIN_PASSWORD_LENGTH + " characters long");
        }
        return new Config(dataDir, boltPort, pc, tx, password);
    }

    /** Parses sizes such as 512m, 1g, 65536k or a plain byte count. */
    static long parseBytes(String flag, String s) throws Failure {
        String v = s.trim().toLowerCase(Locale.ROOT);
        long mul = 1;
        if (v.endsWith("b")) {
            v = v.substring(0, v.length() - 1);
        }
        if (!v.isEmpty()) {
            switch (v.charAt(v.length() - 1)) {
                case 'k' -> mul = 1L << 10;
                case 'm' -> mul = 1L << 20;
                case 'g' -> mul = 1L << 30;
                default -> mul = 1;
            }
            if (mul != 1) {
                v = v.substring(0, v.length() - 1);
            }
        }
        try {
            long n = Long.parseLong(v);
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(n, mul);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new Failure(EXIT_USAGE, flag + " " + s + " is not a size such as 512m or 1g");
        }
    }

    static void run(Config cfg) throws Failure, InterruptedException {
        Path dir = cfg.dataDir();
        Path ready = dir.resolve("ready");
        Path pidFile = dir.resolve("launcher.pid");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new Failure(EXIT_FAILED, "cannot create data directory " + dir + ": " + e.getMessage());
        }

        FileLock dirLock = lockDataDir(dir, pidFile);
        deleteQuietly(ready);
        long pid = ProcessHandle.current().pid();
        // The pid file names its writer: the pid and the start token policygraph gave this
        // launcher (-Dpolicygraph.token), so nobody removes or signals another launcher's file.
        String own = pid + "\n" + System.getProperty("policygraph.token", "") + "\n";
        try {
            writeAtomically(pidFile, own);
        } catch (IOException e) {
            throw new Failure(EXIT_FAILED, "cannot write " + pidFile + ": " + e.getMessage());
        }

        DatabaseManagementService dbms;
        try {
            checkPortFree(cfg.boltPort());
            dbms = new DatabaseManagementServiceBuilder(dir)
                    .setUserLogProvider(new Log4jLogProvider(System.out, Level.INFO))
                    .setConfig(GraphDatabaseSettings.data_directory, dir.resolve("data"))
                    .setConfig(GraphDatabaseSettings.logs_directory, dir.resolve("logs"))
                    .setConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress("127.0.0.1"))
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", cfg.boltPort()))
                    .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", cfg.boltPort()))
                    .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                    .setConfig(HttpConnector.enabled, false)
                    .setConfig(HttpsConnector.enabled, false)
                    .setConfig(GraphDatabaseSettings.auth_enabled, true)
                    .setConfig(GraphDatabaseSettings.pagecache_memory, cfg.pageCache())
                    .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, cfg.txMemory())
                    .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofMinutes(10))
                    .setConfig(GraphDatabaseSettings.lock_acquisition_timeout, Duration.ofMinutes(2))
                    // A development store: keep transaction logs small and do not preallocate them.
                    .setConfig(GraphDatabaseSettings.keep_logical_logs, "128M size")
                    .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, 32L << 20)
                    .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                    .setConfig(GraphDatabaseSettings.udc_enabled, false)
                    .build();
        } catch (Failure f) {
            deleteIfOwn(pidFile, own);
            throw f;
        } catch (Throwable t) {
            deleteIfOwn(pidFile, own);
            throw classify(t, cfg, dir);
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            deleteQuietly(ready);
            System.out.println("neo4j-local: shutting down");
            try {
                dbms.shutdown();
            } catch (Throwable t) {
                System.err.println("neo4j-local: shutdown failed: " + t);
            }
            deleteIfOwn(pidFile, own);
            try {
                dirLock.release();
                dirLock.channel().close();
            } catch (IOException ignored) {
                // The lock goes away with the process anyway.
            }
            System.out.println("neo4j-local: stopped");
            System.out.flush();
            stopped.countDown();
        }, "neo4j-local-shutdown"));

        try {
            setPassword(dbms, cfg.password());
            checkReady(dbms);
        } catch (Throwable t) {
            // The shutdown hook stops Neo4j and removes the pid file.
            throw new Failure(EXIT_FAILED, "neo4j started but is not usable: " + rootMessage(t)
                    + " (see " + dir.resolve("logs").resolve("debug.log") + ")");
        }

        String uri = "bolt://127.0.0.1:" + cfg.boltPort();
        try {
            writeAtomically(ready, uri + "\n");
        } catch (IOException e) {
            throw new Failure(EXIT_FAILED, "cannot write " + ready + ": " + e.getMessage());
        }
        PrintStream out = System.out;
        out.println(READY_PREFIX + uri);
        out.flush();
        stopped.await();
    }

    /**
     * Takes an exclusive lock on {@code launcher.lock} so that two launchers never share a data
     * directory; the lock is released by the OS when the process dies.
     */
    private static FileLock lockDataDir(Path dir, Path pidFile) throws Failure {
        Path lockPath = dir.resolve("launcher.lock");
        try {
            FileChannel ch = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                ch.close();
                String other = "";
                try {
                    other = " (pid " + Files.readString(pidFile).trim() + ")";
                } catch (IOException ignored) {
                    // No pid file: say nothing about the owner.
                }
                throw new Failure(EXIT_LOCKED, "data directory " + dir
                        + " is in use by another neo4j-local launcher" + other
                        + "; stop it first (policygraph neo4j stop)");
            }
            return lock;
        } catch (IOException e) {
            throw new Failure(EXIT_FAILED, "cannot lock " + lockPath + ": " + e.getMessage());
        }
    }

    private static void checkPortFree(int port) throws Failure {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new Failure(EXIT_PORT_IN_USE, portInUse(port));
        }
    }

    private static String portInUse(int port) {
        return "bolt port " + port + " on 127.0.0.1 is already in use by another process;"
                + " stop it or choose another port with --bolt-port / NEO4J_BOLT_PORT";
    }

    /** Turns a startup exception into a one-line failure. */
    private static Failure classify(Throwable t, Config cfg, Path dir) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String cls = c.getClass().getName();
            if (c instanceof BindException || cls.endsWith(".PortBindException")) {
                return new Failure(EXIT_PORT_IN_USE, portInUse(cfg.boltPort()));
            }
            if (cls.endsWith(".FileLockException")) {
                return new Failure(EXIT_LOCKED, "the Neo4j store in " + dir
                        + " is locked by another process; stop the other Neo4j using it first");
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return new Failure(EXIT_FAILED, "neo4j failed to start: " + rootMessage(t)
                + " (see " + dir.resolve("logs").resolve("debug.log") + ")");
    }

    /**
     * Makes the {@code neo4j} user's password the given one, with no change required at login.
     * On a new store the user has the default password and must change it; on later starts the
     * password may be the same (Neo4j refuses to "change" it to itself) or a new one.
     */
    static void setPassword(DatabaseManagementService dbms, String password) {
        GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        try (Transaction tx = system.beginTx()) {
            tx.execute("ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password))
                    .close();
            tx.commit();
            System.out.println("neo4j-local: password of user neo4j set from NEO4J_PASSWORD");
            return;
        } catch (RuntimeException e) {
            if (!isSamePassword(e)) {
                throw e;
            }
        }
        // The password is already the wanted one: only make sure no change is required.
        try (Transaction tx = system.beginTx()) {
            tx.execute("ALTER USER neo4j SET PASSWORD CHANGE NOT REQUIRED").close();
            tx.commit();
        }
        System.out.println("neo4j-local: password of user neo4j unchanged");
    }

    private static boolean isSamePassword(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (m != null && m.toLowerCase(Locale.ROOT).contains("cannot be the same")) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    private static void checkReady(DatabaseManagementService dbms) {
        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        try (Transaction tx = db.beginTx(); Result r = tx.execute("RETURN 1 AS ok")) {
            Object ok = r.next().get("ok");
            if (!(ok instanceof Number n) || n.longValue() != 1L) {
                throw new IllegalStateException("RETURN 1 returned " + ok);
            }
            tx.commit();
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return (m == null || m.isBlank()) ? root.getClass().getSimpleName() : m.replace('\n', ' ');
    }

    private static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Deletes the file only while it still holds what this launcher wrote into it. */
    private static void deleteIfOwn(Path p, String own) {
        try {
            if (own.equals(Files.readString(p, StandardCharsets.UTF_8))) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // Gone already, or unreadable: not ours to delete.
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // Best effort: a stale file is detected by readers through the pid.
        }
    }
}
