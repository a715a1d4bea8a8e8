package io.cairn.storage.s3;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A fault-injecting HTTP/1.1 proxy on 127.0.0.1, between the SDK and an S3 server. Each client
 * connection gets one upstream connection; requests and responses are forwarded byte for byte (bodies
 * framed by {@code Content-Length} or chunked), except that a request may get a fault instead: from a
 * seeded random draw at the configured rate, or scripted for the next request that matches. Counts
 * what it injected, per kind.
 */
public final class FaultProxy
        implements AutoCloseable
{
    public enum Fault
    {
        /** 503 SlowDown, without forwarding the request. */
        SLOW_DOWN,
        /** 500 InternalError, without forwarding the request. */
        INTERNAL_ERROR,
        /** A connection reset while the request body is read, before anything is forwarded. */
        RESET_DURING_REQUEST,
        /** The request is served upstream; its response is cut halfway through its body by a reset. */
        RESET_DURING_RESPONSE,
        /** The request is served upstream; its response is held past the client's attempt timeout, then the connection reset. */
        STALL,
    }

    /**
     * @param headers lower-case names
     */
    public record Request(String method, String target, Map<String, String> headers) {}

    private record Scripted(Fault fault, Predicate<Request> matches) {}

    private final ServerSocket server;
    private final int upstreamPort;
    private final Random random;
    private final Duration stall;
    private final Map<Fault, AtomicInteger> injected = new EnumMap<>(Fault.class);
    private final ConcurrentLinkedDeque<Scripted> scripted = new ConcurrentLinkedDeque<>();
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "fault-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private volatile double rate;
    private volatile List<Fault> kinds = List.of(Fault.values());

    private FaultProxy(int upstreamPort, long seed, Duration stall)
            throws IOException
    {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.upstreamPort = upstreamPort;
        this.random = new Random(seed);
        this.stall = stall;
        for (Fault fault : Fault.values()) {
            injected.put(fault, new AtomicInteger());
        }
        threads.execute(this::accept);
    }

    /**
     * A proxy to {@code 127.0.0.1:upstreamPort} that injects nothing until given a rate or a script.
     */
    public static FaultProxy start(int upstreamPort, long seed, Duration stall)
            throws IOException
    {
        return new FaultProxy(upstreamPort, seed, stall);
    }

    /**
     * Injects one of {@code kinds}, chosen at random, into this share of requests.
     */
    public FaultProxy randomFaults(double rate, List<Fault> kinds)
    {
        this.kinds = List.copyOf(kinds);
        this.rate = rate;
        return this;
    }

    /**
     * Injects the fault into the next request that matches.
     */
    public void injectNext(Fault fault, Predicate<Request> matches)
    {
        scripted.add(new Scripted(fault, matches));
    }

    /**
     * Forgets the scripted faults not injected yet.
     */
    public void clearScript()
    {
        scripted.clear();
    }

    public int injected(Fault fault)
    {
        return injected.get(fault).get();
    }

    public Map<Fault, Integer> injected()
    {
        Map<Fault, Integer> counts = new LinkedHashMap<>();
        injected.forEach((fault, count) -> counts.put(fault, count.get()));
        return counts;
    }

    public int totalInjected()
    {
        return injected.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    public List<Request> requests()
    {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    public URI endpoint()
    {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    private void accept()
    {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                threads.execute(() -> serve(client));
            }
            catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client)
    {
        try (client; Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
            sockets.add(upstream);
            InputStream clientIn = new BufferedInputStream(client.getInputStream());
            OutputStream clientOut = new BufferedOutputStream(client.getOutputStream());
            InputStream upstreamIn = new BufferedInputStream(upstream.getInputStream());
            OutputStream upstreamOut = new BufferedOutputStream(upstream.getOutputStream());
            while (true) {
                Head head = Head.read(clientIn);
                if (head == null) {
                    return;
                }
                Request request = head.request();
                requests.add(request);
                Fault fault = decide(request);
                if (fault != null) {
                    injected.get(fault).incrementAndGet();
                }
                if (fault == Fault.RESET_DURING_REQUEST) {
                    // take a few bytes of the body, if any, then drop the connection
                    clientIn.readNBytes(Math.min(16, clientIn.available()));
                    reset(client);
                    return;
                }
                if ("100-continue".equalsIgnoreCase(request.headers().get("expect"))) {
                    clientOut.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    clientOut.flush();
                }
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                copyBody(clientIn, body, head, false);
                if (fault == Fault.SLOW_DOWN || fault == Fault.INTERNAL_ERROR) {
                    clientOut.write(error(fault == Fault.SLOW_DOWN ? 503 : 500, fault == Fault.SLOW_DOWN ? "SlowDown" : "InternalError"));
                    clientOut.flush();
                    continue;
                }
                upstreamOut.write(head.forwarded());
                body.writeTo(upstreamOut);
                upstreamOut.flush();
                Head responseHead;
                do {
                    responseHead = Head.read(upstreamIn);
                    if (responseHead == null) {
                        throw new EOFException("upstream closed");
                    }
                }
                while (responseHead.status() / 100 == 1);
                ByteArrayOutputStream response = new ByteArrayOutputStream();
                response.write(responseHead.raw());
                boolean closes = copyBody(upstreamIn, response, responseHead, request.method().equals("HEAD"));
                if (fault == Fault.STALL) {
                    Thread.sleep(stall.toMillis());
                    reset(client);
                    return;
                }
                if (fault == Fault.RESET_DURING_RESPONSE) {
                    int headLength = responseHead.raw().length;
                    int bodyLength = response.size() - headLength;
                    clientOut.write(response.toByteArray(), 0, bodyLength >= 2 ? headLength + bodyLength / 2 : headLength / 2);
                    clientOut.flush();
                    reset(client);
                    return;
                }
                response.writeTo(clientOut);
                clientOut.flush();
                if (closes || "close".equalsIgnoreCase(responseHead.header("connection"))) {
                    return;
                }
            }
        }
        catch (IOException | InterruptedException e) {
            // the client, the upstream or close() ended the connection
        }
        finally {
            sockets.remove(client);
        }
    }

    private Fault decide(Request request)
    {
        for (Scripted next : scripted) {
            if (next.matches().test(request) && scripted.remove(next)) {
                return next.fault();
            }
        }
        synchronized (random) {
            if (rate > 0 && random.nextDouble() < rate) {
                return kinds.get(random.nextInt(kinds.size()));
            }
        }
        return null;
    }

    /**
     * Copies a message body as framed by its head, raw; true if it ran to the end of the connection.
     */
    private static boolean copyBody(InputStream in, OutputStream out, Head head, boolean headRequest)
            throws IOException
    {
        int status = head.status();
        if (headRequest || status / 100 == 1 || status == 204 || status == 304) {
            return false;
        }
        if ("chunked".equalsIgnoreCase(head.header("transfer-encoding"))) {
            while (true) {
                String line = Head.line(in);
                out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
                int semicolon = line.indexOf(';');
                long size = Long.parseLong((semicolon < 0 ? line : line.substring(0, semicolon)).trim(), 16);
                if (size == 0) {
                    String trailer;
                    do {
                        trailer = Head.line(in);
                        out.write((trailer + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    }
                    while (!trailer.isEmpty());
                    return false;
                }
                copyExactly(in, out, size + 2);
            }
        }
        String length = head.header("content-length");
        if (length != null) {
            copyExactly(in, out, Long.parseLong(length.trim()));
            return false;
        }
        if (status == 0) {
            return false; // a request without a body
        }
        in.transferTo(out);
        return true;
    }

    private static void copyExactly(InputStream in, OutputStream out, long length)
            throws IOException
    {
        byte[] buffer = new byte[8192];
        long left = length;
        while (left > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                throw new EOFException("body ended " + left + " bytes early");
            }
            out.write(buffer, 0, read);
            left -= read;
        }
    }

    private static byte[] error(int status, String code)
    {
        String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>injected by FaultProxy</Message>"
                + "<RequestId>fault</RequestId></Error>";
        String reason = status == 503 ? "Service Unavailable" : "Internal Server Error";
        return ("HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: application/xml\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static void reset(Socket socket)
            throws IOException
    {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close()
            throws IOException
    {
        server.close();
        for (Socket socket : sockets) {
            try {
                reset(socket);
            }
            catch (IOException e) {
                // already closed
            }
        }
        threads.shutdownNow();
    }

    /**
     * The head of a request or a response: its start line and headers, as read.
     */
    private record Head(String startLine, List<String> lines, Map<String, String> headers)
    {
        static Head read(InputStream in)
                throws IOException
        {
            String start;
            try {
                start = line(in);
            }
            catch (EOFException e) {
                return null;
            }
            List<String> lines = new ArrayList<>();
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line = line(in); !line.isEmpty(); line = line(in)) {
                lines.add(line);
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            return new Head(start, lines, headers);
        }

        static String line(InputStream in)
                throws IOException
        {
            StringBuilder line = new StringBuilder();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("connection closed");
                }
                if (b == '\n') {
                    int length = line.length();
                    return length > 0 && line.charAt(length - 1) == '\r' ? line.substring(0, length - 1) : line.toString();
                }
                line.append((char) b);
            }
        }

        String header(String name)
        {
            return headers.get(name);
        }

        /** The status of a response; 0 for a request. */
        int status()
        {
            return startLine.startsWith("HTTP/") ? Integer.parseInt(startLine.split(" ")[1]) : 0;
        }

        Request request()
        {
            String[] parts = startLine.split(" ");
            return new Request(parts[0], parts[1], headers);
        }

        byte[] raw()
        {
            StringBuilder text = new StringBuilder(startLine).append("\r\n");
            lines.forEach(line -> text.append(line).append("\r\n"));
            return text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        }

        /** The request as sent upstream: without {@code Expect}, which this proxy answered itself. */
        byte[] forwarded()
        {
            StringBuilder text = new StringBuilder(startLine).append("\r\n");
            lines.stream().filter(line -> !line.toLowerCase(Locale.ROOT).startsWith("expect:")).forEach(line -> text.append(line).append("\r\n"));
            return text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        }
    }
}
