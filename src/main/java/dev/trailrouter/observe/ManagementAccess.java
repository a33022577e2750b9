package dev.trailrouter.observe;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.apache.camel.CamelContext;
import org.apache.camel.main.HttpManagementServerConfigurationProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who can reach the management port (health, metrics, Jolokia). It listens on loopback unless
 * {@code trailrouter.management.host} says otherwise; {@code trailrouter.management.users-file} (a properties file of
 * {@code user.<name> = <password>} lines) turns on HTTP basic authentication for every path of it. Opened beyond
 * loopback without authentication, it still starts (a container's port is often published only to a private
 * network) but says so, and the queues' health details (URLs, backlog) are left out.
 */
public final class ManagementAccess {

    private static final Logger LOG = LoggerFactory.getLogger("dev.trailrouter");

    private ManagementAccess() {
    }

    public static void configure(CamelContext context, HttpManagementServerConfigurationProperties server) {
        Optional<String> users = property(context, "trailrouter.management.users-file");
        if (users.isPresent()) {
            Path file = Path.of(users.get());
            if (!Files.isReadable(file)) {
                throw new IllegalStateException("trailrouter.management.users-file " + file + " cannot be read");
            }
            server.setAuthenticationEnabled(true);
            server.setBasicPropertiesFile(file.toAbsolutePath().toString());
            server.setAuthenticationRealm("trailrouter");
        }
        String host = property(context, "trailrouter.management.host").orElse("127.0.0.1");
        if (!isLoopback(host) && users.isEmpty()) {
            LOG.warn("the management port listens on {} without authentication: anyone who reaches it reads metrics, "
                    + "health and Jolokia; queue details are left out of health. Set trailrouter.management.users-file "
                    + "to require a password", host);
        }
    }

    /** Whether callers of the management port's health checks may see details: on loopback, or authenticated. */
    public static boolean detailsExposed(CamelContext context) {
        return property(context, "trailrouter.management.users-file").isPresent()
                || isLoopback(property(context, "trailrouter.management.host").orElse("127.0.0.1"));
    }

    static boolean isLoopback(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static Optional<String> property(CamelContext context, String key) {
        return context.getPropertiesComponent().resolveProperty(key).map(String::trim).filter(s -> !s.isEmpty());
    }
}
