package io.seqguard.storage.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP forwarder between a store and a real database server, so a test can make the database
 * "go away" without stopping a server that others share. Plain sockets, one thread per direction.
 *
 * <ul>
 *   <li>{@link Mode#FORWARD}: bytes pass both ways.
 *   <li>{@link Mode#DROP}: every open connection is closed and new ones are closed on accept, as
 *       when the server crashed or restarted.
 *   <li>{@link Mode#BLACKHOLE}: connections stay open but nothing gets through, as with a dead
 *       network path or a frozen server; only timeouts can end a caller's wait.
 * </ul>
 * Switching back to FORWARD closes the connections that lived through the outage (their streams
 * lost bytes), as a real outage would have. Thread safe.
 */
final class TcpProxy implements AutoCloseable {
    enum Mode { FORWARD, DROP, BLACKHOLE }

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tcp-proxy");
        t.setDaemon(true);
        return t;
    });
    private volatile Mode mode = Mode.FORWARD;

    TcpProxy(String host, int port) throws IOException {
        this.target = new InetSocketAddress(host, port);
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    /** A JDBC URL like {@code url} but pointing at this proxy. */
    String proxied(String url) {
        return url.replace(target.getHostString() + ":" + target.getPort(), "127.0.0.1:" + port());
    }

    void mode(Mode next) {
        Mode previous = mode;
        mode = next;
        if (next == Mode.DROP || (next == Mode.FORWARD && previous != Mode.FORWARD)) {
            closeAll();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            sockets.add(client);
            threads.execute(() -> serve(client));
        }
    }

    private void serve(Socket client) {
        switch (mode) {
            case DROP -> close(client);
            case BLACKHOLE -> pump(client, null);
            case FORWARD -> {
                Socket upstream = new Socket();
                sockets.add(upstream);
                try {
                    upstream.connect(target, 2000);
                } catch (IOException e) {
                    close(client);
                    close(upstream);
                    return;
                }
                threads.execute(() -> pump(upstream, client));
                pump(client, upstream);
            }
            default -> throw new IllegalStateException();
        }
    }

    /** Copies from {@code from} to {@code to} while forwarding; swallows bytes otherwise. */
    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to == null ? null : to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (mode == Mode.FORWARD && out != null) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // one side went away; close both below
        } finally {
            close(from);
            if (to != null) {
                close(to);
            }
        }
    }

    private void closeAll() {
        for (Socket s : sockets) {
            close(s);
        }
    }

    private void close(Socket s) {
        sockets.remove(s);
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        closeAll();
        threads.shutdownNow();
    }
}
