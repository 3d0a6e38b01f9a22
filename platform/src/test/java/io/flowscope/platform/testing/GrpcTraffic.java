package io.flowscope.platform.testing;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Known gRPC traffic between a real gRPC-java server and client (Netty, clear text h2c) on loopback: service
 * {@code flowscope.test.Shop}, its methods described by hand with a UTF-8 marshaller (gRPC without protobuf code
 * generation, the wire is the same): {@code GetItem} unary, answered OK or, for item "missing", NOT_FOUND;
 * {@code ListItems} server streaming (three messages); {@code AddItems} client streaming; {@code Slow} unary that
 * answers after the client's deadline (DEADLINE_EXCEEDED). The counts of calls by method and by status follow.
 */
public final class GrpcTraffic {

    public static final String SERVICE = "flowscope.test.Shop";
    public static final int UNARY_OK = 6;
    public static final int UNARY_NOT_FOUND = 2;
    public static final int SERVER_STREAMS = 2;
    public static final int STREAMED_PER_CALL = 3;
    public static final int CLIENT_STREAMS = 2;
    public static final int ADDED_PER_CALL = 4;
    public static final int SLOW = 1;
    /** {@link #driveLarge}: GetItem calls with a large item, then small ones OK and NOT_FOUND on the same connection. */
    public static final int LARGE_CALLS = 2;
    public static final int AFTER_LARGE_OK = 2;
    public static final int AFTER_LARGE_NOT_FOUND = 1;

    private static final MethodDescriptor.Marshaller<String> UTF8 = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    static final MethodDescriptor<String, String> GET_ITEM = method("GetItem", MethodDescriptor.MethodType.UNARY);
    static final MethodDescriptor<String, String> LIST_ITEMS = method("ListItems", MethodDescriptor.MethodType.SERVER_STREAMING);
    static final MethodDescriptor<String, String> ADD_ITEMS = method("AddItems", MethodDescriptor.MethodType.CLIENT_STREAMING);
    static final MethodDescriptor<String, String> SLOW_METHOD = method("Slow", MethodDescriptor.MethodType.UNARY);

    private GrpcTraffic() {
    }

    private static MethodDescriptor<String, String> method(String name, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<String, String>newBuilder().setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(UTF8).setResponseMarshaller(UTF8).build();
    }

    /** The server, on 127.0.0.1 and a free port. */
    public static Server startServer() throws IOException {
        CountDownLatch never = new CountDownLatch(1);
        ServerServiceDefinition shop = ServerServiceDefinition.builder(SERVICE)
                .addMethod(GET_ITEM, ServerCalls.asyncUnaryCall((String item, StreamObserver<String> out) -> {
                    if (item.equals("missing")) {
                        out.onError(Status.NOT_FOUND.withDescription("no item missing").asRuntimeException());
                    } else {
                        out.onNext("item " + item);
                        out.onCompleted();
                    }
                }))
                .addMethod(LIST_ITEMS, ServerCalls.asyncServerStreamingCall((String shelf, StreamObserver<String> out) -> {
                    for (int i = 0; i < STREAMED_PER_CALL; i++) {
                        out.onNext(shelf + " item " + i);
                    }
                    out.onCompleted();
                }))
                .addMethod(ADD_ITEMS, ServerCalls.asyncClientStreamingCall((StreamObserver<String> reply) -> new StreamObserver<String>() {
                    private int count;

                    @Override
                    public void onNext(String item) {
                        count++;
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                        reply.onNext("added " + count);
                        reply.onCompleted();
                    }
                }))
                .addMethod(SLOW_METHOD, ServerCalls.asyncUnaryCall((String in, StreamObserver<String> out) -> {
                    try {
                        never.await(500, TimeUnit.MILLISECONDS); // past the client's 100 ms deadline
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    out.onNext("late");
                    out.onCompleted();
                }))
                .build();
        return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(shop).build().start();
    }

    /** Makes the known calls on one connection to {@code port}. */
    public static void drive(int port) throws InterruptedException {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            for (int i = 0; i < UNARY_OK; i++) {
                ClientCalls.blockingUnaryCall(channel, GET_ITEM, CallOptions.DEFAULT, "item-" + i);
            }
            for (int i = 0; i < UNARY_NOT_FOUND; i++) {
                getMissing(channel);
            }
            for (int i = 0; i < SERVER_STREAMS; i++) {
                Iterator<String> it = ClientCalls.blockingServerStreamingCall(channel, LIST_ITEMS, CallOptions.DEFAULT, "shelf-" + i);
                int n = 0;
                while (it.hasNext()) {
                    it.next();
                    n++;
                }
                if (n != STREAMED_PER_CALL) {
                    throw new IllegalStateException("ListItems gave " + n);
                }
            }
            for (int i = 0; i < CLIENT_STREAMS; i++) {
                CountDownLatch done = new CountDownLatch(1);
                StreamObserver<String> in = ClientCalls.asyncClientStreamingCall(channel.newCall(ADD_ITEMS, CallOptions.DEFAULT),
                        new StreamObserver<>() {
                            @Override
                            public void onNext(String value) {
                            }

                            @Override
                            public void onError(Throwable t) {
                                done.countDown();
                            }

                            @Override
                            public void onCompleted() {
                                done.countDown();
                            }
                        });
                for (int k = 0; k < ADDED_PER_CALL; k++) {
                    in.onNext("new-" + k);
                }
                in.onCompleted();
                if (!done.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("AddItems did not end");
                }
            }
            for (int i = 0; i < SLOW; i++) {
                try {
                    ClientCalls.blockingUnaryCall(channel, SLOW_METHOD, CallOptions.DEFAULT.withDeadlineAfter(100, TimeUnit.MILLISECONDS), "x");
                    throw new IllegalStateException("Slow did not fail");
                } catch (StatusRuntimeException expected) {
                    if (expected.getStatus().getCode() != Status.Code.DEADLINE_EXCEEDED) {
                        throw expected;
                    }
                }
            }
        } finally {
            channel.shutdown();
            channel.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /**
     * On one connection to {@code port}: {@link #LARGE_CALLS} GetItem calls whose item is {@code itemBytes} long (the
     * answer is 5 bytes longer: more than one syscall's captured payload when {@code itemBytes} is over it), then
     * {@link #AFTER_LARGE_OK} small GetItem calls and {@link #AFTER_LARGE_NOT_FOUND} GetItem("missing").
     */
    public static void driveLarge(int port, int itemBytes) throws InterruptedException {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            String large = "x".repeat(itemBytes);
            for (int i = 0; i < LARGE_CALLS; i++) {
                String answer = ClientCalls.blockingUnaryCall(channel, GET_ITEM, CallOptions.DEFAULT, large);
                if (answer.length() != itemBytes + 5) {
                    throw new IllegalStateException("GetItem(large) gave " + answer.length() + " bytes");
                }
            }
            for (int i = 0; i < AFTER_LARGE_OK; i++) {
                ClientCalls.blockingUnaryCall(channel, GET_ITEM, CallOptions.DEFAULT, "item-" + i);
            }
            for (int i = 0; i < AFTER_LARGE_NOT_FOUND; i++) {
                getMissing(channel);
            }
        } finally {
            channel.shutdown();
            channel.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static void getMissing(ManagedChannel channel) {
        try {
            ClientCalls.blockingUnaryCall(channel, GET_ITEM, CallOptions.DEFAULT, "missing");
            throw new IllegalStateException("GetItem(missing) did not fail");
        } catch (StatusRuntimeException expected) {
            if (expected.getStatus().getCode() != Status.Code.NOT_FOUND) {
                throw expected;
            }
        }
    }

    /** gRPC messages the client sends: one per unary call, the shelf of each ListItems, the items of each AddItems. */
    public static int expectedRequestMessages() {
        return UNARY_OK + UNARY_NOT_FOUND + SERVER_STREAMS + CLIENT_STREAMS * ADDED_PER_CALL + SLOW;
    }

    /** gRPC messages the server sends: failed calls and the call past its deadline get none. */
    public static int expectedResponseMessages() {
        return UNARY_OK + SERVER_STREAMS * STREAMED_PER_CALL + CLIENT_STREAMS;
    }

    /** Calls expected by path. */
    public static Map<String, Integer> expectedPaths() {
        Map<String, Integer> m = new TreeMap<>();
        m.put("/" + SERVICE + "/GetItem", UNARY_OK + UNARY_NOT_FOUND);
        m.put("/" + SERVICE + "/ListItems", SERVER_STREAMS);
        m.put("/" + SERVICE + "/AddItems", CLIENT_STREAMS);
        m.put("/" + SERVICE + "/Slow", SLOW);
        return m;
    }
}
