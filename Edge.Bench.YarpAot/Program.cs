// yarp-aot --port P --https-port PS --cert PEM --key PEM --upstream URL (see Edge.Bench/YarpPeer.cs).
return await Edge.Bench.YarpPeer.RunAsync(args);
