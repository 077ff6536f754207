package archive.searchnode;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.logging.log4j.LogManager;
import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.http.HttpServerTransport;
import org.elasticsearch.node.InternalSettingsPreparer;
import org.elasticsearch.node.Node;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.transport.Netty4Plugin;

/**
 * Runs one Elasticsearch node in this JVM until it is told to stop.
 *
 * <p>Usage: {@code java -cp CLASSPATH archive.searchnode.SearchNode [--parent-pid=PID] KEY=VALUE...}.
 * Every {@code KEY=VALUE} argument is an Elasticsearch node setting; {@code path.home}
 * and {@code node.name} are required, and the defaults below suit a throwaway cluster
 * on loopback. The node stops (and flushes) on SIGTERM or SIGINT, and also when the
 * process {@code --parent-pid} names exits, so a script killed without a chance to
 * clean up leaves no node running.
 *
 * <p>Only the server jar and the netty4 transport are on the class path: no x-pack,
 * no ingest or analysis-common modules, hence only the analysers built into the
 * server (standard, whitespace, keyword, simple, stop).
 */
public final class SearchNode {

    /** Settings for a small test cluster on one machine; any argument overrides them. */
    private static final Map<String, String> DEFAULTS = Map.of(
            "network.host", "127.0.0.1",
            // The machine's cores are shared: size thread pools as for one core.
            "node.processors", "1",
            // A nearly full disk must not keep replicas unassigned (the cluster would stay yellow).
            "cluster.routing.allocation.disk.threshold_enabled", "false",
            // Reads keep working on the last known cluster state while no master is elected.
            "cluster.no_master_block", "write",
            "action.destructive_requires_name", "false");

    private static final String LOG_CONFIG = String.join("\n",
            "status = error",
            "appender.console.type = Console",
            "appender.console.name = console",
            "appender.console.layout.type = PatternLayout",
            "appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] [%node_name] %marker%m%n",
            "rootLogger.level = info",
            "rootLogger.appenderRef.console.ref = console",
            "logger.deprecation.name = org.elasticsearch.deprecation",
            "logger.deprecation.level = error",
            "");

    private SearchNode() {
    }

    /** A node with plugins taken from the class path (Node's own constructor of that kind is protected). */
    private static final class ClasspathNode extends Node {
        ClasspathNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
            super(environment, plugins, true);
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
        long parentPid = -1;
        for (String arg : args) {
            if (arg.startsWith("--parent-pid=")) {
                parentPid = Long.parseLong(arg.substring("--parent-pid=".length()));
                continue;
            }
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                usage("not a KEY=VALUE setting: " + arg);
            }
            values.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        if (!values.containsKey("path.home") || !values.containsKey("node.name")) {
            usage("path.home and node.name are required");
        }
        Path home = Paths.get(values.get("path.home")).toAbsolutePath();
        values.putIfAbsent("path.data", home.resolve("data").toString());
        values.putIfAbsent("path.logs", home.resolve("logs").toString());
        Settings.Builder builder = Settings.builder();
        values.forEach(builder::put);
        Settings settings = builder.build();

        Path config = home.resolve("config");
        Files.createDirectories(config);
        Files.write(config.resolve("log4j2.properties"), LOG_CONFIG.getBytes(StandardCharsets.UTF_8));
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
                settings, Map.of(), config, () -> values.get("node.name"));
        LogConfigurator.registerErrorListener();
        LogConfigurator.setNodeName(values.get("node.name"));
        LogConfigurator.configure(environment);

        Node node = new ClasspathNode(environment, List.of(Netty4Plugin.class));
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(30, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                e.printStackTrace();
            } finally {
                closed.countDown();
                LogManager.shutdown();
            }
        }, "search-node-shutdown"));
        try {
            node.start();
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
        if (parentPid > 0) {
            ProcessHandle.of(parentPid).ifPresentOrElse(
                    parent -> parent.onExit().thenRun(() -> System.exit(0)),
                    () -> System.exit(0));
        }
        HttpServerTransport http = node.injector().getInstance(HttpServerTransport.class);
        System.out.println("search node " + values.get("node.name") + " started, HTTP at "
                + http.boundAddress().publishAddress());
        // Elasticsearch's threads are daemons: this thread keeps the JVM alive until the node is closed.
        closed.await();
    }

    private static void usage(String problem) {
        PrintStream err = System.err;
        err.println("SearchNode: " + problem);
        err.println("usage: SearchNode [--parent-pid=PID] path.home=DIR node.name=NAME [KEY=VALUE...]");
        System.exit(2);
    }
}
