namespace Edge;

public static class EdgeMain
{
    public static int Main(string[] args)
    {
        Console.WriteLine("edge");
        return 0;
    }
}
